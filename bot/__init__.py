"""Counter-trafficking assistant: the code that is not Rasa glue."""
