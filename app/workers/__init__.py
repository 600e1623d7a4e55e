"""Worker processes: each claims a unit of work from the database and runs it (trains)."""
