"""Alembic environment for the application database, run from code (`navdash.appdb.upgrade`).

The caller passes an open connection in `config.attributes["connection"]`; there is no alembic.ini and no URL here.
To write a new revision: add a file under versions/ with the next number and `down_revision` set to the last one.
"""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
