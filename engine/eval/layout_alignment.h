#pragma once
// Making 2-D layouts of the same points comparable from one frame to the next (the embedding
// timeline): each layout is centred and scaled to unit variance, then rotated (or reflected)
// onto its predecessor by an orthogonal Procrustes fit (Schönemann 1966), so that what moves
// between frames is the representation, not t-SNE's or PCA's arbitrary orientation.
#include <torch/types.h>

namespace simclr {

// layout: float [N, d]. Centred, then divided by the root of the mean squared norm per
// dimension, so that every coordinate has variance 1 on average. A layout with no spread
// (all points equal) is only centred. Returns float [N, d] on the CPU.
torch::Tensor standardize_layout(const torch::Tensor& layout);

// The orthogonal matrix R [d, d] minimising ||layout R - reference|| (Frobenius), applied:
// returns layout R. Both [N, d] with the same N and d, standardised beforehand when their
// scales should not matter. Throws ConfigError for mismatched shapes.
torch::Tensor procrustes_align(const torch::Tensor& layout, const torch::Tensor& reference);

// Mean Euclidean distance between corresponding rows of two [N, d] layouts.
double mean_displacement(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace simclr
