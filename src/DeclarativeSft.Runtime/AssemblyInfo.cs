namespace DeclarativeSft.Runtime;
