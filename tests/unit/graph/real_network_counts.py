# Independent reference counts for the real-network loader test (edge_list_test.cpp): gzip + sets,
# no credsim code. Usage: python3 real_network_counts.py [DATA_GRAPHS_DIR]  (about 10 s).
import gzip, re, sys, os
d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '../../../../shared/data/graphs')
for f in sorted(os.listdir(d)):
    if not f.endswith('.gz'): continue
    ids=set(); pairs=set(); loops=0; lines=0; header=False; first=True
    for line in gzip.open(os.path.join(d,f),'rt'):
        s=line.strip()
        if not s or s[0] in '#%': continue
        fs=[x for x in re.split(r'[ \t,]+', s) if x]
        if first:
            first=False
            if not (fs[0].isdigit() and fs[1].isdigit()): header=True; continue
        a,b=int(fs[0]),int(fs[1]); lines+=1
        ids.add(a); ids.add(b)
        if a==b: loops+=1; continue
        pairs.add((min(a,b),max(a,b)))
    touched=set()
    for a,b in pairs: touched.add(a); touched.add(b)
    # components via union-find
    par={x:x for x in ids}
    def find(x):
        while par[x]!=x:
            par[x]=par[par[x]]; x=par[x]
        return x
    for a,b in pairs:
        ra,rb=find(a),find(b)
        if ra!=rb: par[ra]=rb
    from collections import Counter
    c=Counter(find(x) for x in ids)
    deg=Counter()
    for a,b in pairs: deg[a]+=1; deg[b]+=1
    print(f"{f}: header={header} data_lines={lines} self_loops={loops} dup={lines-loops-len(pairs)} nodes={len(ids)} min_id={min(ids)} max_id={max(ids)} edges={len(pairs)} isolated={len(ids)-len(touched)} comps={len(c)} largest={max(c.values())} maxdeg={max(deg.values())}")
