"""Exchange with other systems: PFIF 1.4 (People Finder Interchange Format) in and out."""
