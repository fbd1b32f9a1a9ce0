#pragma once
// The project schema, declared once. Each describe() lists a section's fields with their
// JSON names and constraints; visitors walk it to parse, validate and serialise, so the
// three can never disagree.
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include "engine/project/project_config.h"

namespace simclr::schema {

// Constraint on a number: inclusive bounds.
struct Range {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
};
inline Range at_least(double min) {
  return {min, std::numeric_limits<double>::infinity()};
}
inline Range between(double min, double max) {
  return {min, max};
}
inline Range any() {
  return {};
}
// Exclusive lower bound (temperature > 0): expressed as the smallest positive double.
inline Range positive() {
  return {std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::infinity()};
}

using Choices = std::vector<std::string>;

template <class V>
void describe(V& v, DatasetConfig& c) {
  v.field("name", c.name, Choices{"cifar10", "fashion-mnist", "mnist", "image-folder"});
  v.field("path", c.path);
  v.field("train_limit", c.train_limit, at_least(0));
  v.field("test_limit", c.test_limit, at_least(0));
  v.field("image_size", c.image_size, between(0, 1024));
  v.field("on_unreadable", c.on_unreadable, Choices{"skip", "fail"});
  v.field("labels", c.labels, Choices{"auto", "folders", "none"});
  v.field("holdout_fraction", c.holdout_fraction, between(0.01, 0.9));
  v.field("streaming", c.streaming, Choices{"auto", "always", "never"});
  v.field("memory_budget_mb", c.memory_budget_mb, between(0, 1 << 24));
  v.field("decoded_cache", c.decoded_cache);
}

template <class V>
void describe(V& v, ProjectionConfig& c) {
  v.field("hidden_dim", c.hidden_dim, at_least(1));
  v.field("output_dim", c.output_dim, at_least(1));
  v.field("layers", c.layers, between(1, 8));
  v.field("batch_norm", c.batch_norm);
}

template <class V>
void describe(V& v, VitConfig& c) {
  v.field("patch_size", c.patch_size, between(1, 1024));
  v.field("dim", c.dim, between(1, 8192));
  v.field("heads", c.heads, between(1, 256));
  v.field("layers", c.layers, between(1, 256));
  v.field("mlp_ratio", c.mlp_ratio, between(0.25, 64));
  v.field("dropout", c.dropout, between(0, 0.99));
  v.field("pool", c.pool, Choices{"cls", "mean"});
}

template <class V>
void describe(V& v, ModelConfig& c) {
  v.field("encoder", c.encoder, Choices{"resnet18", "resnet34", "resnet50", "vit"});
  v.field("stem", c.stem, Choices{"cifar", "imagenet"});
  v.field("width", c.width, between(1, 1024));
  v.section("vit", c.vit);
  v.section("projection", c.projection);
}

template <class V>
void describe(V& v, DistributedConfig& c) {
  v.field("backend", c.backend, Choices{"auto", "gloo", "nccl"});
  v.field("sync_batch_norm", c.sync_batch_norm);
  v.field("gather_negatives", c.gather_negatives);
  v.field("timeout_s", c.timeout_s, between(1, 86400));
  v.field("barrier_timeout_s", c.barrier_timeout_s, between(1, 7 * 86400));
}

template <class V>
void describe(V& v, TrainingConfig& c) {
  v.field("epochs", c.epochs, at_least(1));
  v.field("batch_size", c.batch_size, at_least(2));
  v.field("optimizer", c.optimizer, Choices{"adam", "sgd", "lars"});
  v.field("learning_rate", c.learning_rate, positive());
  v.field("lr_scaling", c.lr_scaling, Choices{"none", "linear", "sqrt"});
  v.field("schedule", c.schedule, Choices{"cosine", "constant"});
  v.field("warmup_epochs", c.warmup_epochs, at_least(0));
  v.field("weight_decay", c.weight_decay, at_least(0));
  v.field("momentum", c.momentum, between(0, 1));
  v.field("temperature", c.temperature, positive());
  v.field("seed", c.seed);
  v.field("max_steps", c.max_steps, at_least(0));
  v.field("checkpoint_every_steps", c.checkpoint_every_steps, at_least(1));
  v.field("keep_last_checkpoints", c.keep_last_checkpoints, at_least(0));
  v.field("timeline", c.timeline, Choices{"log", "epochs", "steps", "off"});
  v.field("timeline_steps", c.timeline_steps, at_least(0));
  v.field("timeline_max_mb", c.timeline_max_mb, at_least(0));
  v.field("device", c.device);
  v.field("threads", c.threads, between(0, 1024));
  v.field("precision", c.precision, Choices{"auto", "fp32", "bf16", "fp16"});
  v.field("channels_last", c.channels_last);
  v.field("views_version", c.views_version, between(1, 2));
  v.section("distributed", c.distributed);
}

template <class V>
void describe(V& v, EvaluationConfig& c) {
  v.field("knn_every_epochs", c.knn_every_epochs, at_least(0));
  v.field("knn_at_start", c.knn_at_start);
  v.field("knn_k", c.knn_k, at_least(1));
  v.field("knn_temperature", c.knn_temperature, positive());
  v.field("monitor_test_size", c.monitor_test_size, at_least(0));
  v.field("monitor_bank_size", c.monitor_bank_size, at_least(0));
  v.field("batch_size", c.batch_size, at_least(1));
}

template <class V>
void describe(V& v, SweepConfig& c) {
  v.field("batch_sizes", c.batch_sizes, between(2, 1 << 20));
  v.field("lr_scaling", c.lr_scaling, Choices{"none", "linear", "sqrt"});
  v.field("budget", c.budget, Choices{"epochs", "steps"});
  v.field("check_memory", c.check_memory);
  v.field("linear_probe", c.linear_probe);
}

template <class V>
void describe(V& v, ProjectConfig& c) {
  v.field("version", c.version, between(1, kProjectFormatVersion));
  v.field("name", c.name);
  v.field("description", c.description);
  v.section("dataset", c.dataset);
  v.section("model", c.model);
  v.raw("augmentation", c.augmentation);
  v.section("training", c.training);
  v.section("evaluation", c.evaluation);
  v.section("sweep", c.sweep);
  v.raw("profiles", c.profiles);
}

}  // namespace simclr::schema
