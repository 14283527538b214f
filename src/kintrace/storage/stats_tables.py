"""The published estimates: what analysts chose to show the public, with its history.

Kept apart from :mod:`kintrace.storage.tables` (imported by the package, so that
``Base.metadata`` always holds them) because they belong to one feature: estimates of the
true numbers on the public figures (:mod:`kintrace.stats.published`; migration 0016).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kintrace.storage.tables import Base


class PublishedEstimate(Base):
    """One publication or one withdrawal of an estimate; rows are only ever added.

    ``action`` is ``publish`` or ``withdraw``; a withdrawal names the publication it takes
    back in ``withdraws_id`` and copies its figures, so the history reads on its own. An
    estimate is public while it has no withdrawal row. ``lists`` are the names of the lists
    it rests on (in column order), ``strata`` the stratification (``none``, ``region``,
    ``month``, ``quarter``), ``method`` the estimator (``loglinear``, ``lcm``,
    ``decomposable``) and ``model`` the model it chose (a log-linear model's name), ``value``
    the estimated total (summed over strata) with its 95% interval, ``observed`` the persons
    documented on at least one of the lists.
    """

    __tablename__ = "published_estimates"
    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(16))
    withdraws_id: Mapped[int | None] = mapped_column(ForeignKey("published_estimates.id"))
    lists: Mapped[list[str]] = mapped_column(JSON)
    strata: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(200), default="")
    observed: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(DateTime)
