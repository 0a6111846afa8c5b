"""Every skills controller, for create_app() to mount in one line: pages and forms (`SKILLS_HANDLERS`,
outside the OpenAPI schema) and the JSON API (`SKILLS_API`, in it)."""

from typing import Any

SKILLS_HANDLERS: list[Any] = []
SKILLS_API: list[Any] = []
