"""Actions on cases that flows start: filing (here), and the lifecycle after it."""
