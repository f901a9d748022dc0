"""`pipeline review`: a local web app where a translator edits and approves, saved safely into the PO."""
