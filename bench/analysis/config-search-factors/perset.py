# Per test data set and k (outer data-set folds, 5 seeds): reference, attention, factors, blend 50/50;
# and the workloads where the attention loses to the reference.
import math, random, numpy as np
import ev as E, mape as M
T=M.T
V=[('m','ref'),('m','v0'),('lin',2,0.0),('mix',(('m','v0'),('lin',2,0.0)),(0.5,0.5))]
res={}
for train,tests in M.folds_of('dataset'):
    for w in tests:
        for k in (1,2,3):
            for seed in range(5):
                keysw=list(T[w]); rr=random.Random(seed*7919+k*104729+hash(w)%1000)
                sk=rr.sample(keysw,k); shots={q:T[w][q] for q in sk}
                qs=[q for q in keysw if q not in shots and M.ratio_ref(train,shots,q) is not None]
                t=np.array([T[w][q] for q in qs])
                for v in V:
                    res.setdefault((M.grp(w),w,k,v),[]).append(np.mean(np.abs(np.exp(E.preds(v,train,shots,qs)-t)-1)))
names=['reference','attention','factors','blend']
for g in ['buzz','creditcard','santander']:
    for k in (1,2,3):
        m=[np.mean([np.mean(x) for (gg,w,kk,vv),x in res.items() if gg==g and kk==k and vv==v]) for v in V]
        print('%-10s k=%d '%(g,k)+' '.join('%s %.3f'%(n,x) for n,x in zip(names,m)))
print('workloads where the attention loses to the reference (mean over seeds):')
for (g,w,k,v),x in sorted(res.items()):
    if v==V[1]:
        r=np.mean(res[(g,w,k,V[0])]); a=np.mean(x); b=np.mean(res[(g,w,k,V[3])])
        if a>r: print('  %-32s k=%d reference %.3f attention %.3f blend %.3f'%(w,k,r,a,b))
