namespace DeclarativeSft.Torch;
