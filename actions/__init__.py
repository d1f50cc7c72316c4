"""Custom actions: thin glue that reads the tracker, calls bot/, and answers."""
