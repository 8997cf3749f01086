"""Who did it, as staff read it on a timeline or a document: staff by their name, never `staff:12`."""
from __future__ import annotations

from storage.models import Staff


async def actor_names() -> dict[str, str]:
    """CaseEvent.actor → the name shown (the reporter and the system by their role)."""
    names = {"reporter": "举报人", "system": "系统", "worker": "系统"}
    for sid, display, username in await Staff.all().values_list("id", "display_name", "username"):
        names[f"staff:{sid}"] = display or username
    return names
