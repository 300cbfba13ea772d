import csv, math, collections
def load(path='/work/shared/data/multicloud/multi-cloud-configuration-half.csv', target='target_runtime'):
    rows=list(csv.DictReader(open(path)))
    cols=['A_family','A_vcpu','B_family','B_vcpu','C_family','C_type','C_vcpu','nodes']
    W=collections.defaultdict(lambda: collections.defaultdict(list))
    for r in rows:
        if r['status']!='ok': continue
        k=r['provider']+'/'+'/'.join(r[c] or '-' for c in cols)
        W[r['workload']][k].append(math.log(float(r[target])))
    return {w:{k:sum(v)/len(v) for k,v in d.items()} for w,d in sorted(W.items())}
