using DeclarativeSft.Torch.Interop;

namespace DeclarativeSft.Torch;

public static partial class torch
{
    /// <summary>torch.nn.</summary>
    public static class nn
    {
        /// <summary>Loss reductions.</summary>
        public enum Reduction
        {
            None = 0,
            Mean = 1,
            Sum = 2,
        }

        /// <summary>torch.nn.functional.</summary>
        public static class functional
        {
            /// <summary>x W^T + b.</summary>
            public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null)
            {
                var r = Tensor.From(NativeMethods.dsft_linear(input.Handle, weight.Handle, bias?.RawHandle ?? IntPtr.Zero));
                GC.KeepAlive(bias);
                return r;
            }

            /// <summary>Rows of <paramref name="weight"/> picked by integer <paramref name="input"/>.</summary>
            public static Tensor embedding(Tensor input, Tensor weight, long padding_idx = -1) =>
                Tensor.From(NativeMethods.dsft_embedding(weight.Handle, input.Handle, padding_idx));

            public static Tensor softmax(Tensor input, long dim, ScalarType? dtype = null) =>
                Tensor.From(NativeMethods.dsft_softmax(input.Handle, dim, dtype.HasValue ? (int)dtype.Value : -1, 0));

            public static Tensor log_softmax(Tensor input, long dim, ScalarType? dtype = null) =>
                Tensor.From(NativeMethods.dsft_softmax(input.Handle, dim, dtype.HasValue ? (int)dtype.Value : -1, 1));

            public static Tensor silu(Tensor input) => Tensor.From(NativeMethods.dsft_unary(input.Handle, UnaryOp.Silu));

            /// <summary>GELU; <paramref name="approximate"/> "none" (erf) or "tanh".</summary>
            public static Tensor gelu(Tensor input, string approximate = "none") => approximate switch
            {
                "none" => Tensor.From(NativeMethods.dsft_unary(input.Handle, UnaryOp.Gelu)),
                "tanh" => Tensor.From(NativeMethods.dsft_unary(input.Handle, UnaryOp.GeluTanh)),
                _ => throw new ArgumentException($"approximate must be 'none' or 'tanh', got '{approximate}'", nameof(approximate)),
            };

            public static Tensor relu(Tensor input) => input.relu();
            public static Tensor sigmoid(Tensor input) => input.sigmoid();

            /// <summary>Inverted dropout; draws from <paramref name="generator"/> (default generator when null).</summary>
            public static Tensor dropout(Tensor input, double p = 0.5, bool training = true, Generator? generator = null)
            {
                var r = Tensor.From(NativeMethods.dsft_dropout(input.Handle, p, training ? 1 : 0, generator?.RawHandle ?? IntPtr.Zero));
                GC.KeepAlive(generator);
                return r;
            }

            /// <summary>Cross entropy of logits (N, C) or (N, C, d...) against class indices; targets equal to
            /// <paramref name="ignore_index"/> contribute nothing (and are excluded from the mean).</summary>
            public static Tensor cross_entropy(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100,
                Reduction reduction = Reduction.Mean, double label_smoothing = 0.0)
            {
                var r = Tensor.From(NativeMethods.dsft_cross_entropy(input.Handle, target.Handle, weight?.RawHandle ?? IntPtr.Zero, (int)reduction,
                    ignore_index, label_smoothing));
                GC.KeepAlive(weight);
                return r;
            }

            public static Tensor nll_loss(Tensor input, Tensor target, long ignore_index = -100, Reduction reduction = Reduction.Mean) =>
                Tensor.From(NativeMethods.dsft_nll_loss(input.Handle, target.Handle, (int)reduction, ignore_index));

            public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                Tensor.From(NativeMethods.dsft_mse_loss(input.Handle, target.Handle, (int)reduction));

            /// <summary>softmax(q k^T * scale + mask) v. <paramref name="attn_mask"/>: bool (true = may attend) or
            /// additive float, broadcastable to (…, L, S). <paramref name="scale"/> null = 1/sqrt(E).
            /// libtorch's fused kernel on 2.x; the documented matmul+softmax composition on 1.x.</summary>
            public static Tensor scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask = null,
                double dropout_p = 0.0, bool is_causal = false, double? scale = null, Generator? generator = null)
            {
                var r = Tensor.From(NativeMethods.dsft_scaled_dot_product_attention(query.Handle, key.Handle, value.Handle,
                    attn_mask?.RawHandle ?? IntPtr.Zero, dropout_p, is_causal ? 1 : 0, scale ?? 0.0, generator?.RawHandle ?? IntPtr.Zero));
                GC.KeepAlive(attn_mask);
                GC.KeepAlive(generator);
                return r;
            }

            /// <summary>x * rsqrt(mean(x², -1) + eps) * weight, computed in the input dtype (composite op).</summary>
            public static Tensor rms_norm(Tensor input, Tensor? weight, double eps = 1e-6)
            {
                using var sq = input.square();
                using var ms = sq.mean(-1, keepdim: true);
                using var shifted = ms.add(eps);
                using var inv = shifted.rsqrt();
                if (weight is null) return input.mul(inv);
                using var normed = input.mul(inv);
                return normed.mul(weight);
            }
        }

        /// <summary>torch.nn.utils.</summary>
        public static class utils
        {
            /// <summary>Scales the gradients of <paramref name="parameters"/> in place so that their joint
            /// <paramref name="norm_type"/>-norm is at most <paramref name="max_norm"/>; returns the norm before clipping.</summary>
            public static unsafe double clip_grad_norm_(IReadOnlyList<Tensor> parameters, double max_norm, double norm_type = 2.0)
            {
                var handles = Handles(parameters);
                double total;
                fixed (IntPtr* p = handles)
                    NativeMethods.Check(NativeMethods.dsft_clip_grad_norm(p, handles.Length, max_norm, norm_type, out total));
                GC.KeepAlive(parameters);
                return total;
            }
        }
    }
}
