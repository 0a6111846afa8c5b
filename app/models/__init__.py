"""All tables, imported here so SQLModel.metadata (and Alembic) sees every one."""

from app.models.accounts import EmailToken, KeyValue, OutboxMessage, Role, User
from app.models.reference import Country, Currency

__all__ = ["Country", "Currency", "EmailToken", "KeyValue", "OutboxMessage", "Role", "User"]
