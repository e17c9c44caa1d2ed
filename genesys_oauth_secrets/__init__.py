"""The tools around the Pulumi program, behind one command: ``genesys-oauth-secrets``.

The program itself is ``__main__.py`` and ``components/``; nothing here is imported by it.
Each subpackage is one job (one subcommand): ``plan``, ``check``, ``preflight``,
``bootstrap``, ``audit``, ``locks``, ``age``, ``demo``. What jobs share is written once, in
``shared``: the stack-file loader, the output layer, AWS clients, the backend URL, names. Jobs
never import each other; ``cli`` (the front door) is the only module that knows them all.
See ``docs/architecture.md`` for the rooms and the doors between them.
"""
