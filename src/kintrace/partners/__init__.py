"""Partner systems: scoped API tokens and what a partner may read and write."""
