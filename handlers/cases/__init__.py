"""Actions on cases that flows start: filing, and the lifecycle after it (handlers/cases/hooks.py)."""
from handlers.cases.hooks import install as _install_lifecycle

_install_lifecycle()
