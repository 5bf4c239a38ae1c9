"""The APScheduler process (`python -m scheduler`): the only place timers fire in the background."""
