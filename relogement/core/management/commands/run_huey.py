"""`manage.py run_huey`: the task worker and scheduler (docs/operations.md § Tasks), huey's own command.

``huey.contrib.djhuey`` is not an installed app: importing it imports huey's storage module, which
imports the Redis and PostgreSQL clients (about 0.3 s), and every process would pay that at start-up,
``manage.py indicators`` included. The worker's command is provided here instead; the queue itself is
imported by the task modules, when a process first enqueues or runs a task.
"""

from huey.contrib.djhuey.management.commands.run_huey import Command  # noqa: F401
