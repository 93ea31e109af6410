namespace DeclarativeSft.Torch.Tests;
