using DeclarativeSft.Torch.Interop;

namespace DeclarativeSft.Torch;

// Elementwise math, comparisons, in-place updates and the C# operators.
public sealed partial class Tensor
{
    private Tensor Unary(UnaryOp op) => From(NativeMethods.dsft_unary(Handle, op));

    private Tensor Binary(Tensor other, BinaryOp op)
    {
        var r = From(NativeMethods.dsft_binary(Handle, other.Handle, op));
        return r;
    }

    private Tensor Scalar(double value, BinaryOp op) => From(NativeMethods.dsft_binary_scalar(Handle, value, 0, 0, op));
    private Tensor Scalar(long value, BinaryOp op) => From(NativeMethods.dsft_binary_scalar(Handle, 0, value, 1, op));

    public Tensor add(Tensor other) => Binary(other, BinaryOp.Add);
    /// <summary>this + alpha * other.</summary>
    public Tensor add(Tensor other, double alpha) => From(NativeMethods.dsft_add_scaled(Handle, other.Handle, alpha, 0, 0));
    public Tensor add(double value) => Scalar(value, BinaryOp.Add);
    public Tensor add(long value) => Scalar(value, BinaryOp.Add);
    public Tensor sub(Tensor other) => Binary(other, BinaryOp.Sub);
    public Tensor sub(double value) => Scalar(value, BinaryOp.Sub);
    public Tensor sub(long value) => Scalar(value, BinaryOp.Sub);
    public Tensor mul(Tensor other) => Binary(other, BinaryOp.Mul);
    public Tensor mul(double value) => Scalar(value, BinaryOp.Mul);
    public Tensor mul(long value) => Scalar(value, BinaryOp.Mul);
    public Tensor div(Tensor other) => Binary(other, BinaryOp.Div);
    public Tensor div(double value) => Scalar(value, BinaryOp.Div);
    public Tensor div(long value) => Scalar(value, BinaryOp.Div);
    public Tensor pow(Tensor exponent) => Binary(exponent, BinaryOp.Pow);
    public Tensor pow(double exponent) => Scalar(exponent, BinaryOp.Pow);
    public Tensor remainder(Tensor other) => Binary(other, BinaryOp.Remainder);
    public Tensor remainder(long value) => Scalar(value, BinaryOp.Remainder);
    public Tensor floor_divide(Tensor other) => Binary(other, BinaryOp.FloorDivide);
    public Tensor matmul(Tensor other) => Binary(other, BinaryOp.Matmul);
    public Tensor bmm(Tensor other) => Binary(other, BinaryOp.Bmm);
    public Tensor outer(Tensor other) => Binary(other, BinaryOp.Outer);
    public Tensor maximum(Tensor other) => Binary(other, BinaryOp.Maximum);
    public Tensor minimum(Tensor other) => Binary(other, BinaryOp.Minimum);

    public Tensor eq(Tensor other) => Binary(other, BinaryOp.Eq);
    public Tensor eq(double value) => Scalar(value, BinaryOp.Eq);
    public Tensor eq(long value) => Scalar(value, BinaryOp.Eq);
    public Tensor ne(Tensor other) => Binary(other, BinaryOp.Ne);
    public Tensor ne(double value) => Scalar(value, BinaryOp.Ne);
    public Tensor ne(long value) => Scalar(value, BinaryOp.Ne);
    public Tensor lt(Tensor other) => Binary(other, BinaryOp.Lt);
    public Tensor lt(double value) => Scalar(value, BinaryOp.Lt);
    public Tensor le(Tensor other) => Binary(other, BinaryOp.Le);
    public Tensor le(double value) => Scalar(value, BinaryOp.Le);
    public Tensor gt(Tensor other) => Binary(other, BinaryOp.Gt);
    public Tensor gt(double value) => Scalar(value, BinaryOp.Gt);
    public Tensor ge(Tensor other) => Binary(other, BinaryOp.Ge);
    public Tensor ge(double value) => Scalar(value, BinaryOp.Ge);
    public Tensor logical_and(Tensor other) => Binary(other, BinaryOp.LogicalAnd);
    public Tensor logical_or(Tensor other) => Binary(other, BinaryOp.LogicalOr);
    public Tensor logical_xor(Tensor other) => Binary(other, BinaryOp.LogicalXor);
    public Tensor logical_not() => Unary(UnaryOp.LogicalNot);

    public Tensor neg() => Unary(UnaryOp.Neg);
    public Tensor abs() => Unary(UnaryOp.Abs);
    public Tensor exp() => Unary(UnaryOp.Exp);
    public Tensor log() => Unary(UnaryOp.Log);
    public Tensor log1p() => Unary(UnaryOp.Log1p);
    public Tensor sqrt() => Unary(UnaryOp.Sqrt);
    public Tensor rsqrt() => Unary(UnaryOp.Rsqrt);
    public Tensor square() => Unary(UnaryOp.Square);
    public Tensor reciprocal() => Unary(UnaryOp.Reciprocal);
    public Tensor tanh() => Unary(UnaryOp.Tanh);
    public Tensor cos() => Unary(UnaryOp.Cos);
    public Tensor sin() => Unary(UnaryOp.Sin);
    public Tensor sigmoid() => Unary(UnaryOp.Sigmoid);
    public Tensor relu() => Unary(UnaryOp.Relu);
    public Tensor erf() => Unary(UnaryOp.Erf);
    public Tensor floor() => Unary(UnaryOp.Floor);
    public Tensor ceil() => Unary(UnaryOp.Ceil);
    public Tensor sign() => Unary(UnaryOp.Sign);
    public Tensor isnan() => Unary(UnaryOp.IsNan);
    public Tensor isfinite() => Unary(UnaryOp.IsFinite);

    /// <summary>Clamps to [min, max]; either bound may be null.</summary>
    public Tensor clamp(double? min = null, double? max = null) =>
        From(NativeMethods.dsft_clamp(Handle, min ?? 0, min.HasValue ? 1 : 0, max ?? 0, max.HasValue ? 1 : 0));

    public Tensor clamp_min(double min) => clamp(min, null);
    public Tensor clamp_max(double max) => clamp(null, max);

    // ---- in place (return this, like PyTorch) ----

    public Tensor add_(Tensor other) { NativeMethods.Check(NativeMethods.dsft_binary_(Handle, other.Handle, BinaryOp.Add)); return this; }
    public Tensor add_(Tensor other, double alpha) { NativeMethods.Check(NativeMethods.dsft_add_scaled_(Handle, other.Handle, alpha, 0, 0)); return this; }
    public Tensor add_(double value) { NativeMethods.Check(NativeMethods.dsft_binary_scalar_(Handle, value, 0, 0, BinaryOp.Add)); return this; }
    public Tensor sub_(Tensor other) { NativeMethods.Check(NativeMethods.dsft_binary_(Handle, other.Handle, BinaryOp.Sub)); return this; }
    public Tensor sub_(double value) { NativeMethods.Check(NativeMethods.dsft_binary_scalar_(Handle, value, 0, 0, BinaryOp.Sub)); return this; }
    public Tensor mul_(Tensor other) { NativeMethods.Check(NativeMethods.dsft_binary_(Handle, other.Handle, BinaryOp.Mul)); return this; }
    public Tensor mul_(double value) { NativeMethods.Check(NativeMethods.dsft_binary_scalar_(Handle, value, 0, 0, BinaryOp.Mul)); return this; }
    public Tensor div_(Tensor other) { NativeMethods.Check(NativeMethods.dsft_binary_(Handle, other.Handle, BinaryOp.Div)); return this; }
    public Tensor div_(double value) { NativeMethods.Check(NativeMethods.dsft_binary_scalar_(Handle, value, 0, 0, BinaryOp.Div)); return this; }
    public Tensor pow_(double value) { NativeMethods.Check(NativeMethods.dsft_binary_scalar_(Handle, value, 0, 0, BinaryOp.Pow)); return this; }
    public Tensor fill_(double value) { NativeMethods.Check(NativeMethods.dsft_binary_scalar_(Handle, value, 0, 0, BinaryOp.Fill)); return this; }
    public Tensor fill_(long value) { NativeMethods.Check(NativeMethods.dsft_binary_scalar_(Handle, 0, value, 1, BinaryOp.Fill)); return this; }
    /// <summary>Copies <paramref name="source"/> into this tensor (broadcasting, converting dtype/device).</summary>
    public Tensor copy_(Tensor source) { NativeMethods.Check(NativeMethods.dsft_binary_(Handle, source.Handle, BinaryOp.Copy)); return this; }
    public Tensor zero_() { NativeMethods.Check(NativeMethods.dsft_zero_(Handle)); return this; }

    /// <summary>Fills with N(mean, std) draws from <paramref name="generator"/> (default generator when null).</summary>
    public Tensor normal_(double mean = 0, double std = 1, Generator? generator = null)
    {
        NativeMethods.Check(NativeMethods.dsft_random_(Handle, 2, mean, std, generator?.RawHandle ?? IntPtr.Zero));
        GC.KeepAlive(generator);
        return this;
    }

    /// <summary>Fills with U[from, to) draws from <paramref name="generator"/> (default generator when null).</summary>
    public Tensor uniform_(double from = 0, double to = 1, Generator? generator = null)
    {
        NativeMethods.Check(NativeMethods.dsft_random_(Handle, 3, from, to, generator?.RawHandle ?? IntPtr.Zero));
        GC.KeepAlive(generator);
        return this;
    }

    // ---- operators ----

    public static Tensor operator +(Tensor a, Tensor b) => a.add(b);
    public static Tensor operator +(Tensor a, double b) => a.add(b);
    public static Tensor operator +(double a, Tensor b) => b.add(a);
    public static Tensor operator -(Tensor a, Tensor b) => a.sub(b);
    public static Tensor operator -(Tensor a, double b) => a.sub(b);
    public static Tensor operator -(double a, Tensor b) => b.Scalar(a, BinaryOp.ReverseSub);
    public static Tensor operator *(Tensor a, Tensor b) => a.mul(b);
    public static Tensor operator *(Tensor a, double b) => a.mul(b);
    public static Tensor operator *(double a, Tensor b) => b.mul(a);
    public static Tensor operator /(Tensor a, Tensor b) => a.div(b);
    public static Tensor operator /(Tensor a, double b) => a.div(b);
    public static Tensor operator /(double a, Tensor b) => b.Scalar(a, BinaryOp.ReverseDiv);
    public static Tensor operator -(Tensor a) => a.neg();
    public static Tensor operator &(Tensor a, Tensor b) => a.logical_and(b);
    public static Tensor operator |(Tensor a, Tensor b) => a.logical_or(b);
    public static Tensor operator !(Tensor a) => a.logical_not();
}
