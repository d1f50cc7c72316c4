"""Running the assistant: the supervisor's configuration, the health watch and the action server's launcher."""
