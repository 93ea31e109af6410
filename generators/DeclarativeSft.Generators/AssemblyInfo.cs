namespace DeclarativeSft.Generators;
