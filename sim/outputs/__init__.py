"""What a user sees: figures, one replication's trace and story, the HTML report, generated docs."""
