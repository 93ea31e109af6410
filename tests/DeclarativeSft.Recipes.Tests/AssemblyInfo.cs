namespace DeclarativeSft.Recipes.Tests;
