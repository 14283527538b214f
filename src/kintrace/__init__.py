"""kintrace: find out what happened to each missing service member, on evidence."""

__version__ = "0.1.0"
