namespace DeclarativeSft.RecipePrograms.Tests;
