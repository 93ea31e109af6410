namespace DeclarativeSft.Recipes;
