//===- TileGraph.cpp - Tiles and NoC traffic of a mapped program ----------===//
//
// Traffic per inference, in bits, one copy of a layer at a time (the edge
// count stays O(tiles x a few), never producer tiles x consumer tiles):
//
// Column sets.  The tiles of a layer copy that hold the same weight columns
// (same group and column range; they differ in row range and/or slice
// range) form a column set.  Its home tile is the one with the lowest
// row_begin, then the lowest slice_begin.  Every other tile of the set sends
// its partial sums to the home: vectors x its weight columns x 32 bits.  By
// then the ADC codes have been shift-added over input cycles and slices, so
// a partial sum is a digital integer; 32 bits is one accumulator word, which
// holds the exact sum for 8-bit inputs times 8-bit stored weights over up to
// 2^15 rows (wider operands need more, but a fixed word is what a digital
// periphery sends and the placement only needs the relative edge weights).
//
// Outputs.  The home tile alone sends the finished outputs of its columns
// (vectors x columns x the consumer's input bits) to the tiles of each
// consuming layer whose weight rows read those channels, each value once
// per receiving row tile (a tile broadcasts one input to all its columns and
// a conv tile reads a channel on up to prod(kernel) rows: still one copy).
// The tiles of a row tile (same rows, other columns or slices) pass it on
// in a chain, first to last: a core's buffer keeps the inputs its arrays
// share, so the chain costs NoC traffic only where it changes core.
// Output channel c = group * N + column of the producer is traced to the
// consumer's rows through the digital nn ops in between (ChannelMap):
//   * elementwise ops, pooling, batch norm, pads and softmax that do not
//     touch the channel dimension keep it (a pool scales the values per
//     channel: it runs on the producer's core, so less crosses the NoC);
//   * concat along it shifts it; transpose moves it; flatten / reshape /
//     squeeze / unsqueeze turn it into a range of a merged dimension
//     (Flatten of N x C x H x W: channel c -> features [c H W, (c+1) H W));
//   * a conv consumer reads input channel i on rows [(i % Cg) prod(kernel),
//     (i % Cg + 1) prod(kernel)) of group i / Cg, Cg = C / group
//     (LowerNNToCIM's (channel, kernel...) row order); a gemm consumer reads
//     feature i on row i.
// Anything else (an op that mixes channels, a broadcast, a shape the rules
// do not follow) falls back to sending the home's outputs to every row
// tile of the consumer copy (along its chain), each row tile's share in
// proportion to its weight rows: dense for that one link, and counted in
// TileGraph::fallbackLinks.
//
// Combining ops.  Once a path has lost its channel map, an op combining
// several activations (a residual Add after a LayerNorm, attention's
// products) passes on only the operand produced last: the op runs where
// that one arrives and its result leaves from there, once.  Passing every
// operand on would credit the result to each older producer as well, and a
// residual stream would link every layer to every later block, all-to-all
// (a BERT-base encoder: 612 such links, 19.9 M edges, 1 GB in placement).
//
// Replicas.  A layer's vectors are split into equal contiguous shares, in
// order: producer copy i computes [i / P, (i + 1) / P) of them, consumer
// copy j reads [j / C, (j + 1) / C); i sends j the overlap (conv window
// halos ignored).  Partial sums stay within a copy.
//
//===----------------------------------------------------------------------===//
#include "nncc/Analysis/TileGraph.h"

#include "nncc/Dialect/NN/NNOps.h"

#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <tuple>

using namespace mlir;
using namespace nncc;

namespace {

/// Where the producer's output channels sit in a tensor: channel c occupies
/// indices [offset + c * stride, offset + (c + 1) * stride) of `axis`, and
/// carries `scale` times as many values as it had at the producer.
struct ChannelMap {
  int64_t axis = 1, offset = 0, stride = 1;
  double scale = 1;
};

int64_t normalizeAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

/// Any reshape (flatten, squeeze, ...): the channel's block of
/// outer x (its indices x inner) elements must still be a range of one
/// result dimension, with the same outer product before it.
std::optional<ChannelMap> throughReshape(RankedTensorType in,
                                         RankedTensorType out, ChannelMap m) {
  int64_t inner =
      ShapedType::getNumElements(in.getShape().drop_front(m.axis + 1));
  int64_t outer = ShapedType::getNumElements(in.getShape().take_front(m.axis));
  for (int64_t b = 0; b < out.getRank(); ++b) {
    if (ShapedType::getNumElements(out.getShape().take_front(b)) != outer)
      continue;
    int64_t newInner =
        ShapedType::getNumElements(out.getShape().drop_front(b + 1));
    if ((m.offset * inner) % newInner || (m.stride * inner) % newInner)
      continue;
    return ChannelMap{b, m.offset * inner / newInner,
                      m.stride * inner / newInner, m.scale};
  }
  return std::nullopt;
}

/// The map of `op`'s result, given the map of its operand `operand`.
std::optional<ChannelMap> throughOp(Operation *op, unsigned operand,
                                    ChannelMap m) {
  if (op->getNumResults() != 1)
    return std::nullopt;
  auto in = dyn_cast<RankedTensorType>(op->getOperand(operand).getType());
  auto out = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!in || !out || !in.hasStaticShape() || !out.hasStaticShape() ||
      m.axis >= in.getRank())
    return std::nullopt;
  bool sameShape = in.getShape() == out.getShape();
  double ratio = double(out.getNumElements()) /
                 double(std::max<int64_t>(in.getNumElements(), 1));
  auto keep = [&](bool ok) { return ok ? std::optional(m) : std::nullopt; };
  return llvm::TypeSwitch<Operation *, std::optional<ChannelMap>>(op)
      .Case<nn::ReluOp, nn::SigmoidOp, nn::TanhOp, nn::LeakyReluOp,
            nn::ClipOp>([&](auto) { return keep(sameShape); })
      // Per-channel parameters are constants: only X carries activations.
      .Case([&](nn::BatchNormalizationOp) {
        return keep(sameShape && operand == 0);
      })
      // The other operand broadcasts into this one (a residual add, a
      // scale); if this one is broadcast, the channels mix.
      .Case<nn::AddOp, nn::SubOp, nn::MulOp, nn::DivOp>(
          [&](auto) { return keep(sameShape); })
      // Pools keep N and C (axes 0 and 1) and shrink the rest.
      .Case<nn::MaxPoolOp, nn::AveragePoolOp, nn::GlobalAveragePoolOp>(
          [&](auto) -> std::optional<ChannelMap> {
            if (m.axis >= 2 || in.getRank() != out.getRank())
              return std::nullopt;
            m.scale *= ratio;
            return m;
          })
      .Case([&](nn::PadOp pad) -> std::optional<ChannelMap> {
        ArrayRef<int64_t> pads = pad.getPads();
        if (pads[m.axis] != 0 || pads[m.axis + in.getRank()] != 0)
          return std::nullopt;
        m.scale *= ratio;
        return m;
      })
      .Case([&](nn::SoftmaxOp softmax) {
        return keep(normalizeAxis(softmax.getAxisAttr().getInt(),
                                  in.getRank()) != m.axis);
      })
      .Case([&](nn::ConcatOp concat) {
        if (normalizeAxis(concat.getAxisAttr().getInt(), in.getRank()) ==
            m.axis)
          for (unsigned i = 0; i < operand; ++i)
            m.offset +=
                cast<RankedTensorType>(concat.getInputs()[i].getType())
                    .getDimSize(m.axis);
        return std::optional(m);
      })
      .Case([&](nn::TransposeOp transpose) -> std::optional<ChannelMap> {
        ArrayRef<int64_t> perm = transpose.getPerm();
        auto it = llvm::find(perm, m.axis);
        if (it == perm.end())
          return std::nullopt;
        m.axis = it - perm.begin();
        return m;
      })
      .Case<nn::FlattenOp, nn::ReshapeOp, nn::SqueezeOp, nn::UnsqueezeOp>(
          [&](auto) { return throughReshape(in, out, m); })
      .Default([](Operation *) { return std::nullopt; });
}

/// How a consumer's weight rows read the mapped dimension of its input:
/// index i is rows [(i % channelsPerGroup) * rowsPerChannel, + rowsPerChannel)
/// of group i / channelsPerGroup.
struct RowMap {
  int64_t channelsPerGroup = 1, rowsPerChannel = 1, groups = 1;
};

bool consumerRows(cim::LayerOp layer, const ChannelMap &m, RowMap &rows) {
  auto in = cast<RankedTensorType>(layer.getInput().getType());
  cim::LayerOp::MatrixShape shape = layer.getMatrixShape();
  if (layer.getKind() == cim::LayerKind::Conv) {
    int64_t window = ShapedType::getNumElements(layer.getKernelShape());
    if (m.axis != 1 || in.getRank() < 3 || window <= 0 ||
        shape.depth % window != 0 ||
        in.getDimSize(1) != shape.groups * (shape.depth / window))
      return false;
    rows = {shape.depth / window, window, shape.groups};
    return true;
  }
  int64_t featureAxis = layer.getTransInput() ? 0 : 1;
  if (in.getRank() != 2 || m.axis != featureAxis ||
      in.getDimSize(featureAxis) != shape.depth || shape.groups != 1)
    return false;
  rows = {shape.depth, 1, 1};
  return true;
}

struct Link {
  cim::LayerOp consumer;
  std::optional<ChannelMap> map; ///< nullopt: not derived
};

/// The cim.layer ops reading `layer`'s result, through any digital (nn) ops
/// in between, each with the channel map it sees (one entry per distinct
/// path state, so a consumer reached twice the same way counts once).
/// Whether `operand` is, among `user`'s activation operands (not
/// constants), the one produced last in the block (arguments first).
bool isLatestActivation(Operation *user, Value operand) {
  Operation *def = operand.getDefiningOp();
  for (Value other : user->getOperands()) {
    Operation *producer = other.getDefiningOp();
    if (other == operand || !producer || isa<nn::ConstantOp>(producer))
      continue;
    if (!def || (def->getBlock() == producer->getBlock() &&
                 def->isBeforeInBlock(producer)))
      return false;
  }
  return true;
}

SmallVector<Link> consumersOf(cim::LayerOp layer) {
  SmallVector<Link> links;
  using State = std::optional<ChannelMap>;
  SmallVector<std::pair<Value, State>> work{{layer.getOutput(), ChannelMap{}}};
  std::set<std::tuple<void *, bool, int64_t, int64_t, int64_t, double>> seen;
  auto visit = [&](Value v, State s) {
    ChannelMap m = s.value_or(ChannelMap{});
    if (seen.insert({v.getAsOpaquePointer(), s.has_value(), m.axis, m.offset,
                     m.stride, m.scale})
            .second)
      work.push_back({v, s});
  };
  while (!work.empty()) {
    auto [value, state] = work.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (auto next = dyn_cast<cim::LayerOp>(user)) {
        links.push_back({next, state});
        continue;
      }
      State after = state ? throughOp(user, use.getOperandNumber(), *state)
                          : std::nullopt;
      if (!after && !isLatestActivation(user, value))
        continue;
      for (Value r : user->getResults())
        visit(r, after);
    }
  }
  return links;
}

/// Per layer: its mvm ops, the tile numbering and the lookup structures.
struct LayerTiles {
  int firstTile = 0;
  int copies = 1;
  SmallVector<cim::MVMOp> mvms;
  /// mvm index -> the mvm index of its column set's home.
  std::vector<int> home;
  /// Home mvm indices, in body order.
  std::vector<int> homes;
  /// Per group: the row ranges, ascending, with the mvms holding each.
  struct RowTile {
    int64_t begin, end;
    SmallVector<int> mvms;
  };
  std::vector<std::vector<RowTile>> rowTiles;
  /// mvm index -> its (group, row_begin, row_end) among the layer's,
  /// numbered in key order: 0 .. rowKeys - 1.
  std::vector<int> rowKey;
  int rowKeys = 0;

  int tile(int mvm, int copy) const { return firstTile + mvm * copies + copy; }
};

LayerTiles collectTiles(cim::LayerOp layer, int firstTile) {
  LayerTiles lt;
  lt.firstTile = firstTile;
  lt.copies = static_cast<int>(layer.getReplicas().value_or(1));
  layer.walk([&](cim::MVMOp mvm) { lt.mvms.push_back(mvm); });
  // Column sets keyed by (group, col_begin); home = lowest (row, slice).
  std::map<std::pair<int64_t, int64_t>, int> homeOfSet;
  std::map<std::pair<int64_t, int64_t>, LayerTiles::RowTile> rows;
  // Row sets keyed by (group, row_begin, row_end): exactly the rows read.
  std::map<std::tuple<int64_t, int64_t, int64_t>, std::vector<int>> rowSets;
  for (auto [i, mvm] : llvm::enumerate(lt.mvms)) {
    int idx = static_cast<int>(i);
    int64_t group = static_cast<int64_t>(mvm.getGroup());
    auto [it, inserted] =
        homeOfSet.try_emplace({group, int64_t(mvm.getColBegin())}, idx);
    cim::MVMOp best = lt.mvms[it->second];
    if (!inserted && std::make_pair(mvm.getRowBegin(), mvm.getSliceBegin()) <
                         std::make_pair(best.getRowBegin(),
                                        best.getSliceBegin()))
      it->second = idx;
    LayerTiles::RowTile &rt = rows[{group, int64_t(mvm.getRowBegin())}];
    rt.begin = static_cast<int64_t>(mvm.getRowBegin());
    rt.end = std::max<int64_t>(rt.end, mvm.getRowEnd());
    rt.mvms.push_back(idx);
    rowSets[{group, int64_t(mvm.getRowBegin()), int64_t(mvm.getRowEnd())}]
        .push_back(idx);
  }
  lt.home.resize(lt.mvms.size());
  for (auto [i, mvm] : llvm::enumerate(lt.mvms)) {
    int h = homeOfSet.at({int64_t(mvm.getGroup()), int64_t(mvm.getColBegin())});
    lt.home[i] = h;
    if (h == static_cast<int>(i))
      lt.homes.push_back(h);
  }
  lt.rowKey.resize(lt.mvms.size());
  for (const auto &[key, members] : rowSets) {
    for (int idx : members)
      lt.rowKey[idx] = lt.rowKeys;
    ++lt.rowKeys;
  }
  for (auto &[key, rt] : rows) {
    if (static_cast<int64_t>(lt.rowTiles.size()) <= key.first)
      lt.rowTiles.resize(key.first + 1);
    lt.rowTiles[key.first].push_back(std::move(rt));
  }
  return lt;
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

} // namespace

FailureOr<TileGraph> nncc::buildTileGraph(ModuleOp module) {
  TileGraph graph;
  module.walk([&](cim::LayerOp layer) { graph.layers.push_back(layer); });
  llvm::DenseMap<Operation *, int> layerIndex;
  std::vector<LayerTiles> info;
  for (auto [li, layer] : llvm::enumerate(graph.layers)) {
    if (!layer.isPartitioned()) {
      layer.emitError("nncc-place needs partitioned layers (--nncc-partition)");
      return failure();
    }
    layerIndex[layer] = static_cast<int>(li);
    info.push_back(collectTiles(layer, static_cast<int>(graph.tiles.size())));
    const LayerTiles &lt = info.back();
    for (auto [i, mvm] : llvm::enumerate(lt.mvms))
      for (int c = 0; c < lt.copies; ++c)
        graph.tiles.push_back({mvm, c, static_cast<int>(li),
                               lt.tile(lt.home[i], c),
                               graph.rowSets + c * lt.rowKeys + lt.rowKey[i]});
    graph.rowSets += lt.copies * lt.rowKeys;
  }

  auto addEdge = [&](int a, int b, double bits) {
    uint64_t rounded = static_cast<uint64_t>(std::llround(bits));
    if (a != b && rounded != 0)
      graph.traffic.push_back({a, b, rounded});
  };
  // A row tile's inputs reach its first tile from the sender and pass from
  // each tile to the next: the arrays on one core share what its buffer
  // received, so only a change of core carries them again.
  auto deliver = [&](int sender, const LayerTiles::RowTile &rt,
                     const LayerTiles &to, int copy, double bits) {
    int from = sender;
    for (int m : rt.mvms) {
      int next = to.tile(m, copy);
      addEdge(from, next, bits);
      from = next;
    }
  };
  auto columns = [](cim::MVMOp mvm) -> int64_t {
    return static_cast<int64_t>(mvm.getColEnd() - mvm.getColBegin());
  };

  for (auto [li, layer] : llvm::enumerate(graph.layers)) {
    const LayerTiles &from = info[li];
    cim::LayerOp::MatrixShape shape = layer.getMatrixShape();
    const int pc = from.copies;

    // Partial sums to the home of each column set, within each copy.
    double vectorsPerCopy = double(shape.vectors) / pc;
    for (int c = 0; c < pc; ++c)
      for (auto [m, mvm] : llvm::enumerate(from.mvms))
        if (from.home[m] != static_cast<int>(m))
          addEdge(from.tile(m, c), from.tile(from.home[m], c),
                  vectorsPerCopy * columns(mvm) * 32);

    // Finished outputs from the homes to the tiles that read them.
    for (Link link : consumersOf(layer)) {
      const int ni = layerIndex.at(link.consumer);
      const LayerTiles &to = info[ni];
      cim::LayerOp::MatrixShape next = link.consumer.getMatrixShape();
      const double inBits = double(link.consumer.getInputBits().value_or(8));
      const int nc = to.copies;
      RowMap rows;
      const bool mapped =
          link.map && consumerRows(link.consumer, *link.map, rows);
      if (!mapped)
        ++graph.fallbackLinks;
      for (int i = 0; i < pc; ++i)
        for (int j = int(int64_t(i) * nc / pc); j < nc; ++j) {
          // Shares in units of 1 / (pc * nc) of the vectors.
          int64_t overlap =
              std::min<int64_t>((i + 1) * int64_t(nc), (j + 1) * int64_t(pc)) -
              std::max<int64_t>(i * int64_t(nc), j * int64_t(pc));
          if (overlap <= 0)
            break;
          double values = double(shape.vectors) * overlap / (double(pc) * nc);
          for (int h : from.homes) {
            cim::MVMOp mvm = from.mvms[h];
            int sender = from.tile(h, i);
            if (!mapped) {
              double total = values * columns(mvm) * inBits;
              for (const auto &groupRows : to.rowTiles)
                for (const LayerTiles::RowTile &rt : groupRows)
                  deliver(sender, rt, to, j,
                          total * double(rt.end - rt.begin) /
                              double(next.groups * next.depth));
              continue;
            }
            const ChannelMap &map = *link.map;
            int64_t first = int64_t(mvm.getGroup()) * shape.columns +
                            int64_t(mvm.getColBegin());
            int64_t lo = map.offset + first * map.stride;
            int64_t hi = lo + columns(mvm) * map.stride;
            lo = std::max<int64_t>(lo, 0);
            hi = std::min(hi, rows.groups * rows.channelsPerGroup);
            double perIndex = values * map.scale / map.stride * inBits;
            const int64_t cpg = rows.channelsPerGroup;
            const int64_t rpc = rows.rowsPerChannel;
            for (int64_t g = lo / cpg; lo < hi && g <= (hi - 1) / cpg; ++g) {
              if (g >= static_cast<int64_t>(to.rowTiles.size()))
                break;
              int64_t l = std::max(lo, g * cpg) - g * cpg;
              int64_t r = std::min(hi, (g + 1) * cpg) - g * cpg;
              const auto &groupRows = to.rowTiles[g];
              auto it = std::partition_point(
                  groupRows.begin(), groupRows.end(),
                  [&](const LayerTiles::RowTile &t) {
                    return t.end <= l * rpc;
                  });
              for (; it != groupRows.end() && it->begin < r * rpc; ++it) {
                int64_t read = std::min(r, ceilDiv(it->end, rpc)) -
                               std::max(l, it->begin / rpc);
                if (read <= 0)
                  continue;
                deliver(sender, *it, to, j, double(read) * perIndex);
              }
            }
          }
        }
    }
  }
  return graph;
}
