"""DNA identification in the app: coded samples, proposals, four-eyes review, notifications."""
