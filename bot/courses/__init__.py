"""Parents Academy and pre-marital courses: groups, seats, sign-ups, reminders."""
