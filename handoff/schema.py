"""Every table, for migrations and schema checks: importing this registers all models."""

from __future__ import annotations

from sqlalchemy import MetaData

from handoff import console_models, models
from handoff.cases import models as case_models
from handoff.orgs import models as org_models

__all__ = ["case_models", "console_models", "metadata", "models", "org_models"]

metadata: MetaData = models.Base.metadata
