namespace DeclarativeSft.Data.Tests;
