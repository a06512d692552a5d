//===- ReportJson.cpp - report.json ---------------------------------------===//
//
// Keys appear in a fixed order and numbers as the shortest round-tripping
// text (Support/JsonNumbers.h), so the file is byte-for-byte deterministic.
// docs/schemas/nncc-report.schema.json is the contract; test/Tools/
// report.test and json-schemas.test check reports against it.
//
//===----------------------------------------------------------------------===//
#include "nncc/PPA/Report.h"
#include "nncc/Support/JsonNumbers.h"

#include "llvm/Support/JSON.h"

using namespace nncc;
using namespace nncc::ppa;

llvm::StringRef ppa::jsonKey(EnergyComponent c) {
  switch (c) {
  case EnergyComponent::CellReads:
    return "cell_reads";
  case EnergyComponent::Drivers:
    return "drivers";
  case EnergyComponent::Adcs:
    return "adcs";
  case EnergyComponent::DigitalAdds:
    return "digital_adds";
  case EnergyComponent::Buffers:
    return "buffers";
  case EnergyComponent::Sfu:
    return "sfu";
  case EnergyComponent::MacArray:
    return "mac_array";
  case EnergyComponent::Interconnect:
    return "interconnect";
  case EnergyComponent::Static:
    return "static";
  case EnergyComponent::OffChipLinks:
    return "off_chip_links";
  }
  return "";
}

llvm::StringRef ppa::jsonKey(AreaComponent c) {
  switch (c) {
  case AreaComponent::Arrays:
    return "arrays";
  case AreaComponent::Adcs:
    return "adcs";
  case AreaComponent::Drivers:
    return "drivers";
  case AreaComponent::ColumnMux:
    return "column_mux";
  case AreaComponent::Accumulators:
    return "accumulators";
  case AreaComponent::AdderTrees:
    return "adder_trees";
  case AreaComponent::WritePeriphery:
    return "write_periphery";
  case AreaComponent::Buffers:
    return "buffers";
  case AreaComponent::Sfu:
    return "sfu";
  case AreaComponent::MacArray:
    return "mac_array";
  case AreaComponent::Routers:
    return "routers";
  case AreaComponent::Links:
    return "links";
  case AreaComponent::GlobalBuffer:
    return "global_buffer";
  case AreaComponent::OffChipLinks:
    return "off_chip_links";
  }
  return "";
}

llvm::StringRef ppa::jsonKey(EnergyDomain d) {
  switch (d) {
  case EnergyDomain::Analog:
    return "analog";
  case EnergyDomain::Digital:
    return "digital";
  case EnergyDomain::DataMovement:
    return "data_movement";
  case EnergyDomain::Static:
    return "static";
  }
  return "";
}

namespace {

void energyObject(llvm::json::OStream &j, llvm::StringRef key,
                  const std::array<double, kNumEnergyComponents> &e) {
  j.attributeObject(key, [&] {
    for (size_t i = 0; i < kNumEnergyComponents; ++i)
      jsonNumber(j, jsonKey(static_cast<EnergyComponent>(i)), e[i]);
  });
}

} // namespace

void ppa::writeReportJson(const CompileReport &report, llvm::raw_ostream &os) {
  const ChipPPA &p = report.ppa;
  const ComponentModel &m = p.components;
  llvm::json::OStream j(os, 2);
  j.object([&] {
    j.attribute("schema", "nncc-report");
    j.attribute("version", kReportJsonVersion);
    j.attributeObject("model", [&] {
      j.attribute("file", report.model);
      j.attribute("parameters", report.parameters);
      j.attribute("macs", report.macs);
      jsonNumber(j, "ops", p.ops);
    });
    j.attribute("target", p.target);
    j.attributeObject("area", [&] {
      jsonNumber(j, "placed_m2", p.area);
      jsonNumber(j, "bounding_box_m2", p.boundingBoxArea);
      jsonNumber(j, "bounding_box_overhead_m2", p.boundingBoxOverhead);
      jsonNumber(j, "used_cores_m2", p.usedArea);
      jsonNumber(j, "core_m2", p.coreArea);
      jsonNumber(j, "core_pitch_m", p.corePitch);
      j.attribute("cores", p.cores);
      j.attribute("used_cores", p.usedCores);
      j.attribute("mesh_slots", p.meshSlots);
      j.attributeObject("components", [&] {
        for (size_t i = 0; i < kNumAreaComponents; ++i)
          jsonNumber(j, jsonKey(static_cast<AreaComponent>(i)), p.areaBy[i]);
      });
    });
    j.attributeObject("energy", [&] {
      jsonNumber(j, "per_inference_j", p.energy);
      jsonNumber(j, "group_spill_j", p.groupSpillEnergy);
      jsonNumber(j, "static_power_w", p.staticPower);
      jsonNumber(j, "off_chip_link_power_w", p.offChipLinkPower);
      energyObject(j, "components", p.energyBy);
      j.attributeObject("domains", [&] {
        const auto domains = energyByDomain(p.energyBy);
        for (size_t d = 0; d < kNumEnergyDomains; ++d)
          jsonNumber(j, jsonKey(static_cast<EnergyDomain>(d)), domains[d]);
      });
      j.attribute("host_ops", p.hostOps);
    });
    j.attributeObject("performance", [&] {
      jsonNumber(j, "latency_s", p.latency);
      jsonNumber(j, "interval_s", p.interval);
      jsonNumber(j, "throughput_per_s", p.throughput());
      jsonNumber(j, "tops", p.tops());
      jsonNumber(j, "tops_per_w", p.topsPerWatt());
      jsonNumber(j, "tops_per_mm2", p.topsPerMm2());
      jsonNumber(j, "power_w", p.power());
      j.attribute("program_groups", p.programGroups);
      jsonNumber(j, "reprogramming_per_batch_s", p.reprogrammingPerBatch);
      jsonNumber(j, "throughput_with_reprogramming_per_s",
                 p.throughputWithReprogramming());
      jsonNumber(j, "tops_with_reprogramming",
                 p.ops * p.throughputWithReprogramming() / 1e12);
      j.attributeArray("time_per_inference_by_batch", [&] {
        for (const auto &[batch, seconds] : p.timePerInferenceByBatch)
          j.object([&, batch = batch, seconds = seconds] {
            j.attribute("batch", static_cast<int64_t>(batch));
            jsonNumber(j, "seconds", seconds);
          });
      });
    });
    j.attributeObject("programming", [&] {
      jsonNumber(j, "time_s", p.programmingTime);
      jsonNumber(j, "energy_j", p.programmingEnergy);
    });
    j.attributeObject("component_model", [&] {
      jsonNumber(j, "cell_area_f2", m.cellAreaF2);
      jsonNumber(j, "cell_aspect_ratio", m.cellAspectRatio);
      jsonNumber(j, "array_m2", m.arrayArea);
      jsonNumber(j, "array_width_m", m.arrayWidth);
      jsonNumber(j, "array_height_m", m.arrayHeight);
      j.attribute("level_shifters_per_array", m.levelShiftersPerArray);
      jsonNumber(j, "array_macro_m2", m.arrayMacroArea);
      jsonNumber(j, "array_macro_bounding_box_m2", m.arrayMacroBoundingBox);
      jsonNumber(j, "wire_delay_s", m.wireDelay);
      jsonNumber(j, "read_pulse_s", m.readPulse);
      jsonNumber(j, "cell_current_time_s", m.cellCurrentTime);
      jsonNumber(j, "input_activity", m.inputActivity);
      j.attribute("adcs_per_array", m.adcsPerArray);
      jsonNumber(j, "adc_energy_j", m.adcEnergy);
      jsonNumber(j, "adc_m2", m.adcArea);
      jsonNumber(j, "sample_hold_energy_j", m.sampleHoldEnergy);
      jsonNumber(j, "sample_hold_m2", m.sampleHoldArea);
      jsonNumber(j, "driver_energy_j", m.driverEnergy);
      jsonNumber(j, "driver_m2", m.driverArea);
      j.attribute("accumulator_bits", m.accumulatorBits);
      jsonNumber(j, "add_energy_j", m.addEnergy);
      j.attribute("shift_add_bits", m.shiftAddBits);
      jsonNumber(j, "shift_add_energy_j", m.shiftAddEnergy);
      j.attribute("adder_tree_inputs", m.adderTreeInputs);
      j.attribute("adder_trees_per_core", m.adderTreesPerCore);
      j.attribute("adder_tree_bits", m.adderTreeBits);
      jsonNumber(j, "buffer_energy_per_bit_j", m.bufferEnergyPerBit);
      jsonNumber(j, "global_buffer_energy_per_bit_j",
                 m.globalBufferEnergyPerBit);
      jsonNumber(j, "sfu_energy_per_op_j", m.sfuEnergyPerOp);
      jsonNumber(j, "mac_energy_j", m.macEnergy);
      jsonNumber(j, "mac_array_m2", m.macArrayArea);
      jsonNumber(j, "energy_per_bit_hop_j", m.energyPerBitHop);
      jsonNumber(j, "router_m2", m.routerArea);
    });
    j.attributeArray("layers", [&] {
      for (const LayerPPA &l : p.layers)
        j.object([&] {
          j.attribute("name", l.name);
          j.attribute("arrays", l.arrays);
          j.attribute("replicas", l.replicas);
          jsonNumber(j, "start_s", l.start);
          jsonNumber(j, "time_s", l.time);
          j.attribute("bound", l.bound);
          j.attributeObject("time_components", [&] {
            jsonNumber(j, "arrays_s", l.compute);
            jsonNumber(j, "accumulate_s", l.accumulate);
            jsonNumber(j, "sfu_s", l.sfu);
            jsonNumber(j, "mac_s", l.mac);
            jsonNumber(j, "transfer_s", l.transfer);
            jsonNumber(j, "buffer_s", l.buffer);
          });
          jsonNumber(j, "ops", l.ops);
          jsonNumber(j, "energy_j", l.energy);
          energyObject(j, "energy_components", l.energyBy);
          jsonNumber(j, "input_activity", l.inputActivity);
          j.attribute("input_activity_measured", l.inputActivityMeasured);
        });
    });
    if (!report.simulation) {
      j.attribute("simulation", nullptr);
    } else {
      j.attributeArray("simulation", [&] {
        for (const AccuracyPoint &a : *report.simulation)
          j.object([&] {
            jsonNumber(j, "time_s", a.timeSeconds);
            jsonNumber(j, "accuracy_mean", a.accuracyMean);
            jsonNumber(j, "ci95_low", a.ci95Low);
            jsonNumber(j, "ci95_high", a.ci95High);
          });
      });
    }
  });
  os << '\n';
}
