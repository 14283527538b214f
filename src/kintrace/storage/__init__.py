"""Storage: the only package that talks SQL (SQLAlchemy 2, Alembic; SQLite or PostgreSQL)."""

# Tables kept in modules of their own join Base.metadata here, whatever is imported first.
from kintrace.storage import chat_tables as chat_tables
from kintrace.storage import dossier_tables as dossier_tables
from kintrace.storage import stats_tables as stats_tables
from kintrace.storage import token_tables as token_tables
from kintrace.storage import worklist_tables as worklist_tables
