"""Tiny torch modules for loader tests (milliseconds to build and run)."""

import torch
from torch import nn


class TinyNet(nn.Module):
    """Linear -> BatchNorm -> Linear: float weights plus an int64 buffer."""

    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(4, 3)
        self.norm = nn.BatchNorm1d(3)
        self.out = nn.Linear(3, 2)

    def forward(self, x):
        return self.out(torch.relu(self.norm(self.inp(x))))


def trained_tiny_net(seed=0):
    """A TinyNet in eval mode whose weights differ from a default-initialised one."""
    torch.manual_seed(seed)
    net = TinyNet()
    with torch.no_grad():
        net.norm.running_mean.uniform_(-1, 1)
        net.norm.running_var.uniform_(0.5, 2)
        net.norm.num_batches_tracked.fill_(7)
    return net.eval()


def probe_input():
    return torch.linspace(-1, 1, 20).reshape(5, 4)


def outputs(net):
    with torch.no_grad():
        return net(probe_input())


def same_weights(a, b):
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)
