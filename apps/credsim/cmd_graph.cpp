// credsim graph info: load an edge list as a run would and print its shape.
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "credsim/graph/edge_list.hpp"
#include "credsim/graph/stats.hpp"

namespace credsim::cli {

void register_graph(CLI::App& app, Commands& out) {
  auto* graph_cmd = app.add_subcommand("graph", "Inspect graphs");
  graph_cmd->require_subcommand(1);
  auto path = std::make_shared<std::string>();
  auto* info = graph_cmd->add_subcommand("info", "Load an edge list as the simulator would and print its shape");
  info->add_option("file", *path, "Edge list (SNAP style: # comments, tab/space/comma, optional header, .gz)")
      ->required();
  info->footer(
      "Examples:\n"
      "  credsim graph info ../shared/data/graphs/karate.txt.gz\n"
      "  credsim graph info my_network.csv\n"
      "Edges are symmetrised; self-loops and duplicate pairs are dropped; ids are remapped densely.");
  graph_cmd->footer("Examples:\n  credsim graph info ../shared/data/graphs/email-Eu-core.txt.gz");
  out.push_back({info, [path] {
                   const auto g = graph::load_edge_list(*path);
                   const auto s = graph::compute_stats(g.csr);
                   std::printf("file:               %s\n", path->c_str());
                   std::printf("nodes:              %u\n", s.nodes);
                   std::printf("edges (undirected): %llu\n", static_cast<unsigned long long>(s.edges));
                   std::printf("isolated nodes:     %u\n", s.isolated);
                   std::printf("components:         %u\n", s.components);
                   std::printf("largest component:  %u (%.2f%%)\n", s.largest_component,
                               s.nodes ? 100.0 * s.largest_component / s.nodes : 0.0);
                   std::printf("max degree:         %llu\n", static_cast<unsigned long long>(s.max_degree));
                   std::printf("mean degree:        %.4f\n", s.mean_degree);
                   std::printf("dropped on load:    %llu self-loops, %llu duplicate pairs\n",
                               static_cast<unsigned long long>(g.self_loops),
                               static_cast<unsigned long long>(g.duplicate_pairs));
                   return 0;
                 }});
}

}  // namespace credsim::cli
