"""The hand-fused NumPy MLP: the yardstick tapeflow's fit() is measured against.

Dense(relu) layers + a softmax output trained with Keras's RMSprop, Adam or SGD-momentum
(0.9) formulas, written the fastest way plain NumPy allows: one flat parameter buffer
(and one for the gradients), every activation and update computed in place into
preallocated buffers, batches gathered with ``np.take(..., out=)``. Same math as the tapeflow model.
"""
import numpy as np


class FusedMLP:
    """sizes = [784, 512, 10]; ``logits=False`` applies softmax + clipped CE like Keras."""

    def __init__(self, sizes, batch_size, optimizer="rmsprop", lr=0.001, seed=0):
        rng = np.random.default_rng(seed)
        shapes = [s for a, b in zip(sizes[:-1], sizes[1:]) for s in ((a, b), (b,))]
        total = sum(int(np.prod(s)) for s in shapes)
        self.flat = np.zeros(total, np.float32)
        self.gflat = np.zeros(total, np.float32)
        self.params, self.grads, off = [], [], 0
        for s in shapes:
            n = int(np.prod(s))
            self.params.append(self.flat[off:off + n].reshape(s))
            self.grads.append(self.gflat[off:off + n].reshape(s))
            off += n
        for w in self.params[::2]:
            limit = np.sqrt(6 / (w.shape[0] + w.shape[1]))
            w[...] = rng.uniform(-limit, limit, w.shape)
        self.batch = batch_size
        self.acts = [np.empty((batch_size, n), np.float32) for n in sizes]
        self.deltas = [np.empty((batch_size, n), np.float32) for n in sizes[1:]]
        self.opt, self.lr, self.t = optimizer, np.float32(lr), 0
        self.s1 = np.zeros_like(self.flat)
        self.s2 = np.zeros_like(self.flat)
        self.tmp = np.empty_like(self.flat)
        self.idx = np.empty(batch_size, np.int64)

    def _forward(self, x, n):
        acts = self.acts
        acts[0][:n] = x
        layers = len(self.params) // 2
        for i in range(layers):
            w, b = self.params[2 * i], self.params[2 * i + 1]
            out = acts[i + 1][:n]
            np.matmul(acts[i][:n], w, out=out)
            out += b
            if i < layers - 1:
                np.maximum(out, 0, out=out)
        p = acts[-1][:n]
        p -= p.max(axis=1, keepdims=True)
        np.exp(p, out=p)
        p /= p.sum(axis=1, keepdims=True)
        return p

    def train_step(self, x, y):
        n = len(x)
        p = self._forward(x, n)
        rows = np.arange(n)
        loss = -np.mean(np.log(np.clip(p[rows, y], 1e-7, 1 - 1e-7)))
        d = self.deltas[-1][:n]
        np.copyto(d, p)
        d[rows, y] -= 1
        d /= n
        layers = len(self.params) // 2
        for i in reversed(range(layers)):
            a = self.acts[i][:n]
            np.matmul(a.T, d, out=self.grads[2 * i])
            np.sum(d, axis=0, out=self.grads[2 * i + 1])
            if i:
                prev = self.deltas[i - 1][:n]
                np.matmul(d, self.params[2 * i].T, out=prev)
                prev *= a > 0
                d = prev
        self._update()
        return loss

    def _update(self):
        g, p, tmp = self.gflat, self.flat, self.tmp
        self.t += 1
        if self.opt == "sgd_momentum":                 # v = 0.9 v - lr g; w += v
            v = self.s1
            v *= 0.9
            np.multiply(g, self.lr, out=tmp)
            v -= tmp
            p += v
        elif self.opt == "rmsprop":                    # a = rho a + (1-rho) g^2
            a = self.s1
            a *= 0.9
            np.multiply(g, g, out=tmp)
            tmp *= 0.1
            a += tmp
            np.add(a, 1e-7, out=tmp)                   # w -= lr g / sqrt(a + eps)
            np.sqrt(tmp, out=tmp)
            np.divide(g, tmp, out=tmp)
            tmp *= self.lr
            p -= tmp
        else:                                          # Adam, Keras's formulation
            m, v = self.s1, self.s2
            np.subtract(g, m, out=tmp)
            tmp *= 0.1
            m += tmp
            np.multiply(g, g, out=tmp)
            tmp -= v
            tmp *= 0.001
            v += tmp
            alpha = self.lr * np.sqrt(1 - 0.999 ** self.t) / (1 - 0.9 ** self.t)
            np.sqrt(v, out=tmp)
            tmp += 1e-7
            np.divide(m, tmp, out=tmp)
            tmp *= np.float32(alpha)
            p -= tmp

    def epoch(self, x, y, rng):
        order = rng.permutation(len(x))
        xb = np.empty((self.batch, x.shape[1]), np.float32)
        for start in range(0, len(x), self.batch):
            idx = order[start:start + self.batch]
            n = len(idx)
            np.take(x, idx, axis=0, out=xb[:n])
            self.train_step(xb[:n], y[idx])

    def accuracy(self, x, y):
        correct = 0
        for start in range(0, len(x), self.batch):
            xb = x[start:start + self.batch]
            correct += int(np.sum(self._forward(xb, len(xb)).argmax(1) == y[start:start +
                                                                            self.batch]))
        return correct / len(x)
