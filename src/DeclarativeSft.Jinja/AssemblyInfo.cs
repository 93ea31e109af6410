namespace DeclarativeSft.Jinja;
