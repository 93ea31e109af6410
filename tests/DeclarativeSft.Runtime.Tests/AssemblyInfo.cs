namespace DeclarativeSft.Runtime.Tests;
