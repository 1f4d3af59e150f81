"""Pure domain logic shared by the services: schedule state, occurrences, alert lifecycle."""
