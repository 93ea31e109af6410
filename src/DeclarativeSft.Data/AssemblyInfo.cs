namespace DeclarativeSft.Data;
