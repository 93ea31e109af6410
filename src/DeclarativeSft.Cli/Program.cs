System.Console.WriteLine("sft");
