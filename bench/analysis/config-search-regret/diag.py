import math, random, statistics, sys
from mape import T, names, grp, predict, folds_of
mode=sys.argv[1]
rows=[]
for train,tests in folds_of(mode):
    for w in tests:
        keys=list(T[w]); best=min(T[w].values())
        order=sorted(keys,key=lambda q:T[w][q]); fast=set(order[:max(1,len(order)//10)])
        ranks=[];fe=[];re=[];fb=[];regs=[]; n5=sum(1 for q in keys if T[w][q]<=best+math.log(1.05))
        for seed in range(5):
            r=random.Random(seed*7919+3*104729+hash(w)%1000); sk=r.sample(keys,3); shots={q:T[w][q] for q in sk}
            pred={q:predict(train,shots,q,'v0') for q in keys if q not in shots}
            pred={q:p for q,p in pred.items() if p is not None}
            b=order[0]
            if b in pred:
                ranks.append(1+sum(1 for q in pred if pred[q]<pred[b]))
            for q,p in pred.items():
                (fe if q in fast else re).append(abs(math.exp(p-T[w][q])-1))
                if q in fast: fb.append(p-T[w][q])
            pk=min(list(pred.items())+[(q,v) for q,v in shots.items()],key=lambda x:x[1])[0]
            regs.append(math.exp(T[w][pk]-best)-1)
        rows.append((w,len(keys),n5,statistics.median(ranks) if ranks else float('nan'),sum(fe)/len(fe),sum(re)/len(re),sum(fb)/len(fb),sum(regs)/len(regs)))
print(f"{'workload':32s} n  w5% rank-of-best  MAPE-fastest10%  MAPE-rest  bias-fastest(log)  regret")
for r in rows: print(f"{r[0]:32s} {r[1]:3d} {r[2]:2d} {r[3]:6.1f} {r[4]:8.3f} {r[5]:8.3f} {r[6]:+8.3f} {r[7]:7.3f}")
print('mean', *['%.3f'%(sum(r[i] for r in rows)/len(rows)) for i in (3,4,5,6,7)])
