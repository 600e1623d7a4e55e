"""What a person looks at: the report page (page.py, templates/) and the plots it shows."""
