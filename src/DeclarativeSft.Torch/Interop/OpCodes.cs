namespace DeclarativeSft.Torch.Interop;

// Op codes shared with native/tensor_ops.cpp (the switch statements there); keep the numbers in sync.

internal enum UnaryOp
{
    Neg = 0, Abs = 1, Exp = 2, Log = 3, Sqrt = 4, Rsqrt = 5, Tanh = 6, Cos = 7, Sin = 8, Sigmoid = 9, Relu = 10,
    Silu = 11, Gelu = 12, GeluTanh = 13, Contiguous = 14, Clone = 15, Detach = 16, LogicalNot = 17, Square = 18,
    Reciprocal = 19, OnesLike = 20, ZerosLike = 21, Floor = 22, Ceil = 23, Sign = 24, IsNan = 25, IsFinite = 26,
    Erf = 27, Log1p = 28, EmptyLike = 29,
}

internal enum BinaryOp
{
    Add = 0, Sub = 1, Mul = 2, Div = 3, Pow = 4, Matmul = 5, Eq = 6, Ne = 7, Lt = 8, Le = 9, Gt = 10, Ge = 11,
    LogicalAnd = 12, LogicalOr = 13, LogicalXor = 14, Maximum = 15, Minimum = 16, Outer = 17, Bmm = 18,
    Remainder = 19, FloorDivide = 20,
    /// <summary>scalar - tensor</summary>
    ReverseSub = 30,
    /// <summary>scalar / tensor</summary>
    ReverseDiv = 31,
    /// <summary>scalar ^ tensor</summary>
    ReversePow = 32,
    Copy = 40, Fill = 41,
}

internal enum ShapeOp { Reshape = 0, View = 1, Expand = 2, Permute = 3, Repeat = 4 }

internal enum ReduceOp { Sum = 0, Mean = 1, Amax = 2, Amin = 3, LogSumExp = 4, Any = 5, All = 6, Var = 7, Std = 8, Norm = 9 }

internal enum ValuesIndicesOp { Max = 0, Min = 1, Sort = 2, TopK = 3 }
