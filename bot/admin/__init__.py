"""What coordinators see: the numbers."""
