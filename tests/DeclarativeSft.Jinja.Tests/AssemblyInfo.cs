namespace DeclarativeSft.Jinja.Tests;
