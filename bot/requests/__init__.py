"""Help requests: the person's request, the staff who answer it, and its delivery."""
