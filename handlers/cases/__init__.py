"""Actions on cases that flows start: filing (filing.py, with what follows it: AFTER_FILED), the lifecycle
(transitions.py, after_transition()), staff actions, scope, notifications, delivery. Importing installs nothing."""
