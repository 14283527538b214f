"""Routes: pages for people, JSON for programs."""
